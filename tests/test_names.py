"""Names (issue #17): surnames read as surnames where the context names a person, or on request."""

import json
import subprocess
import sys

import pytest

import pinzhu
from pinzhu import names
from pinzhu.lexicon import UserDict


def num(text, **kw):
    return pinzhu.pinyin(text, tone="numbers", **kw)


@pytest.mark.parametrize("text,i,want", [
    ("单先生来了", 0, "shan4"),          # a title after a bare surname
    ("曾老师说过这件事", 0, "zeng1"),
    ("区小姐来了", 0, "ou1"),
    ("单晓东说", 0, "shan4"),          # a verb of speech after the full name
    ("仇晓英说", 0, "qiu2"),
    ("他姓单", 2, "shan4"),              # 姓 before a bare surname
    ("记者曾小明报道", 2, "zeng1"),       # a role before the name
    ("老单说", 1, "shan4"),              # an address prefix and a verb of speech
    ("曾庆红出席会议", 0, "zeng1"),       # a person jieba lists, that the lexicon reads cèng
    ("航天员解晓明在空间站工作。", 3, "xie4"),  # a role word before (…员, …家, …长)
    ("副局长单国栋表示", 3, "shan4"),      # a two-character given name with an everyday character (国)
    ("责任编辑：仇立新", 5, "qiu2"),       # a by-line: a role and a colon
    ("文／解冰", 2, "xie4"),                # … or a slash
    ("单晓红昨天去了杭州。", 0, "shan4"),   # a sentence's start, a very name-like given name
    ("“别急，”仇大山把烟掐灭。", 5, "qiu2"),  # who spoke, after a quotation
    ("获奖的是查思雨、刘凯和王芳。", 4, "zha1"),  # an item of a list of names
    ("王芳与区伟在会上发言。", 3, "ou1"),       # two names joined by 与
    ("何正清经理和单颖主管一起来了。", 6, "shan4"),  # a post after the full name
    ("种春林教授说", 0, "chong2"),        # an everyday word (种, 过, 都) as a surname: a full name and a cue
    ("过晓燕说，这是好事。", 0, "guo1"),
    ("范曾先生", 1, "zeng1"),           # 曾 in a given name reads as the surname does
    ("记者燕丽华在会场采访。", 2, "yan1"),  # an everyday-word surname: a role before a very name-like full name
    ("秘国华表示，同意。", 0, "bi4"),     # ... or speech after a full name
    ("（记者相文，通讯员李明）", 3, "xiang4"),
    ("获奖的有相杰、赵丽和燕伟。", 4, "xiang4"),  # ... or an item of a list of names
    ("获奖的有相杰、赵丽和燕伟。", 10, "yan1"),
    ("单永康秘书来了", 0, "shan4"),       # 秘书 is a post
    ("昨天，查建在会上发言。", 3, "zha1"),
    ("经审讯，单某如实交代了。", 4, "shan4"),  # a person named by surname and 某 only
    ("而区晓明在会上发言。", 1, "ou1"),     # 而 starts a clause
    ("单镇说，这是好事。", 0, "shan4"),
    ("召明在家里看书。", 0, "shao4"),
    ("那天我见到了单立新和妻子。", 6, "shan4"),  # kin joined to the full name: a person
    ("后来区振华夫妇回到了家乡。", 2, "ou1"),   # ... or a couple       # a rare surname at a clause's start, a word after a subject after it     # 镇 alone is a given name (towns take two characters)  # a clause's start and a word that follows a subject (在, 被, 把)
])
def test_auto_finds_names_from_context(text, i, want):
    assert num(text)[i] == want
    assert num(text, person_names="off")[i] != want  # the engine alone reads it otherwise


@pytest.mark.parametrize("text,i,want", [
    ("单位领导", 0, "dan1"),             # inside a word
    ("他曾经说过", 1, "ceng2"),
    ("曾说过", 0, "ceng2"),              # a verb of speech after a bare surname: 曾 "once"
    ("他曾任教授", 1, "ceng2"),          # 任 is "served as", not a given name
    ("林肯，美国第16任总统", 8, "ren4"),   # a post after a bare surname: served as
    ("演员曾参演多部电影", 2, "ceng2"),   # a verb, not a given name
    ("查尔斯王子", 0, "cha2"),            # a transliteration
    ("燕麦片", 0, "yan4"),
    ("这时天已经蒙蒙亮了", 5, "meng1"),   # a reduplication jieba tags as a person
    ("区长来了", 0, "qu1"),
    ("曾多次获奖。", 0, "ceng2"),          # a sentence's start, but no given name follows
    ("解开绳子", 0, "jie3"),
    ("单从数量上看", 0, "dan1"),
    ("对任天堂粉丝来说", 1, "ren4"),        # a listed "person" whose given name is no name (天 0.21)
    ("他在分校任仓库主管一职。", 4, "ren4"),  # a learner's word (仓库) is no given name without a cue before
    ("辞职回乡，任云南某校校长。", 5, "ren4"),  # a place after a clause's start: served in Yunnan
    ("大家都是男生乐癫乐癫的。", 6, "le4"),  # 男生 is no title
    ("解脲支原体呈阳性。", 0, "jie3"),      # a rare character alone is no name at a sentence's start
    ("作者曾著有三本书。", 2, "ceng2"),     # one given-name character must be name-like (著 0.14)
    ("有天奇股份、乐凯新材等公司。", 6, "le4"),  # an item after 、 counts only beside a name
    ("穿过沼泽，盖雷布伦森林就在眼前。", 5, "gai4"),  # a transliteration goes on after the "given name"
    ("大家都笑我。", 2, "dou1"),            # 都 after a subject, not the surname Dū
    ("同学们都挺纳闷的", 3, "dou1"),
    ("我曾经问过林老师", 4, "guo4"),        # 过 before 林老师, not Guō Lín
    ("那先生是谁？", 0, "na4"),             # "that man": 那 is a surname only when you say it is
    ("过年好", 0, "guo4"),
    ("黄佩华先生来了", 2, "hua2"),        # the given name of the name before, not a surname with a title
    ("宣华夫人挣脱了", 1, "hua2"),
    ("翁覃溪先生曾集诗", 1, "tan2"),
    ("换乘后，莘庄站就到了。", 4, "xin1"),  # a place: a station's name, not a person's
    ("明天，莘庄有集市。", 3, "xin1"),      # a village: a surname and 庄 (李庄, 莘庄), no given name
    ("单桥镇下辖十个村。", 0, "dan1"),
    ("古树参天，繁荫满地。", 5, "fan2"),
    ("他们都和妻子一起来了。", 2, "dou1"),      # kin after a bare surname (and 都 needs more)    # a rare surname (繁 Pó) and one character at a clause's start: a word      # a town: two characters and 镇, not the given name 桥镇
    ("第二年，任宁远将军。", 4, "ren4"),   # 任 before a post: "served as"
    ("盖伦的著作流传很广。", 0, "gai4"),   # 盖 starts transliterations (Galen) as often as names
    ("她冲我眨眼，要妹子回答。", 6, "yao4"),  # an everyday word (妹子) as the given name of 要
    ("亚行行长黑田东彦说", 4, "hei1"),    # a role before, but the name goes on (a Japanese name of four)
    ("他能来、我能去", 1, "neng2"),         # a list's item is a name alone
    ("昨天，查建会上发言。", 3, "cha2"),
    ("他曾某年去过北京。", 1, "ceng2"),     # 某年 is a word: not 曾某    # a clause's start alone: a given name less name-like than 建 needs
])
def test_auto_leaves_everyday_words(text, i, want):
    assert num(text)[i] == want


def test_detect_every_finds_names_whatever_their_surname():
    from pinzhu.read import read

    r = read("记者单晓东和李静报道")
    assert names.detect(r) == [(2, "单")]  # the surname whose reading changes
    assert names.detect(r, every=True) == [(2, "单"), (6, "李")]  # every name, not 晓 or 东 inside one


def test_given_names_keep_the_engines_reading():
    # 孙燕姿 Sūn Yànzī: only a surname changes; 燕 as a given name stays yàn.
    assert num("孙燕姿唱歌")[:3] == ["sun1", "yan4", "zi1"]
    assert num("孙燕姿", person_names="surname") == ["sun1", "yan4", "zi1"]


def test_compound_surnames_are_one_unit():
    assert num("万俟卨", person_names="head")[:2] == ["mo4", "qi2"]
    assert num("尉迟恭", person_names="surname")[:2] == ["yu4", "chi2"]
    assert num("长孙无忌", person_names="surname")[:2] == ["zhang3", "sun1"]
    assert num("澹台灭明", person_names="surname")[:2] == ["tan2", "tai2"]
    assert num("令狐冲", person_names="surname")[:2] == ["ling2", "hu2"]


def test_surname_mode_reads_every_han_run_as_a_name():
    # A form field of names: each run of Han characters starts with a surname.
    out = num("单田芳、解缙 曾国藩", person_names="surname")
    assert (out[0], out[4], out[7]) == ("shan4", "xie4", "zeng1")


def test_head_mode_reads_only_the_start():
    out = num("单田芳和单位", person_names="head")
    assert out[0] == "shan4" and out[4] == "dan1"
    assert num("智能", person_names="head") == ["zhi4", "neng2"]  # 智 is no surname: nothing changes


def test_off_is_the_engine():
    r = pinzhu.reading("单先生", person_names="off")
    assert r.syllables()[0] == "dan1"


def test_user_dict_wins():
    ud = UserDict.from_mapping({"单先生": "dan1 xian1 sheng5"})
    assert num("单先生", user_dict=ud)[0] == "dan1"
    assert num("单先生", user_dict=ud, person_names="surname")[0] == "dan1"


def test_traditional_text():
    assert num("單先生")[0] == "shan4"


def test_detected_readings_say_how_sure():
    r = pinzhu.reading("单先生")
    assert r.prob[0] == pytest.approx(names.AUTO_PROB)
    assert pinzhu.reading("单先生", person_names="surname").prob[0] == 1.0


def test_reading_many_reads_as_alone():
    texts = ["单先生", "单位", "他姓单"]
    assert [r.syllables() for r in pinzhu.reading_many(texts)] == [pinzhu.reading(t).syllables() for t in texts]


def test_bad_mode_names_the_option():
    with pytest.raises(pinzhu.options.OptionError) as e:
        pinzhu.Config(person_names="bogus")
    assert e.value.field == "person_names"


def test_cli_and_http_take_the_option():
    out = subprocess.run([sys.executable, "-m", "pinzhu", "pinyin", "--tone", "numbers", "--person-names", "surname"],
                         input="单田芳".encode(), capture_output=True)
    assert out.returncode == 0 and out.stdout.decode() == "shan4tian2fang1\n"
    pytest.importorskip("fastapi")
    from fastapi.testclient import TestClient

    from pinzhu.server import create_app

    client = TestClient(create_app())
    got = client.post("/v1/pinyin", json={"text": "单田芳", "tone": "numbers", "person_names": "surname"})
    assert got.status_code == 200 and got.json()["pinyin"][0] == "shan4"
    bad = client.post("/v1/pinyin", json={"text": "单", "person_names": "bogus"})
    assert bad.status_code == 422 and "person_names" in json.dumps(bad.json())


def test_rare_surnames_are_measured_not_listed():
    d = names.data()  # names start with 繁, 召, 员 ten times more rarely than text holds them; not so 区, 单
    assert {"繁", "召", "员"} <= d.rare and not {"区", "单", "曾"} & d.rare
    assert not d.rare & d.cue_only  # the stricter rule wins


def test_common_surnames_beyond_the_readings_table():
    from pinzhu.read import read

    d = names.data()  # 冼, 岳, 闫: surnames whose reading is their character's, so no table of readings lists them
    assert {"冼": ("xian3",), "岳": ("yue4",), "闫": ("yan2",)}.items() <= {k: v[0] for k, v in d.surnames.items()}.items()
    assert names.detect(read("记者冼志明和单晓东报道"), every=True) == [(2, "冼"), (6, "单")]


def test_the_data_has_the_compound_surnames():
    d = names.data()
    for k, want in [("万俟", ("mo4", "qi2")), ("尉迟", ("yu4", "chi2")), ("单", ("shan4",)), ("解", ("xie4",))]:
        assert d.surnames[k][0] == want
