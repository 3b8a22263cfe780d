"""A user dictionary is a value passed in: no cache of the library may keep one alive after the
call (a server makes one per request; issue #13: 120 distinct dictionaries took RSS to 3.87 GB)."""

import gc
import weakref

import pinzhu
from pinzhu.config import Config
from pinzhu.lexicon import UserDict


def _calls():
    return [
        lambda ud: pinzhu.pinyin("我去银行", user_dict=ud),
        lambda ud: pinzhu.pinyin("我去银行", config=Config(user_dict=ud), tone="numbers"),
        lambda ud: pinzhu.pinyin_many(["我去银行", "行长"], user_dict=ud),
        lambda ud: pinzhu.words("我去银行", config=Config(user_dict=ud)),
        lambda ud: pinzhu.annotate("银行(yínxíng)行长", config=Config(user_dict=ud), select="words", words=["行长"]),
        lambda ud: pinzhu.strip("银行(yínxíng)，行长(hángcháng)", user_dict=ud),
        lambda ud: pinzhu.audit("银行(yínxíng)，行长(hángcháng)", user_dict=ud),
        lambda ud: pinzhu.scan("银行(yínxíng)，行长(hángcháng)", user_dict=ud),
    ]


def test_no_cache_keeps_a_user_dict_alive():
    for k, call in enumerate(_calls()):
        ud = UserDict.from_mapping({"行长": "hang2 chang2", "银行": "yin2 xing2", f"银行{chr(0x4E00 + k)}": "yin2 xing2 yi1"})
        call(ud)
        call(ud)  # a second call takes what the first one remembered
        ref = weakref.ref(ud)
        del ud
        gc.collect()
        assert ref() is None, f"call {k} left its user dictionary in a cache"


def test_what_a_dictionary_remembers_still_applies():
    ud = UserDict.from_mapping({"行长": "hang2 chang2"})
    assert pinzhu.pinyin("行长", user_dict=ud, tone="numbers") == ["hang2", "chang2"]
    assert pinzhu.pinyin("行长", user_dict=ud, tone="numbers") == ["hang2", "chang2"]
    assert pinzhu.strip("行长(hángcháng)", user_dict=ud) == "行长"
    assert [f.ok for f in pinzhu.audit("行长(hángcháng)", user_dict=ud)] == [True]
