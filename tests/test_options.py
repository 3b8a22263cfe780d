"""Options are declared once (pinzhu.options) and every surface is generated from the
declarations: CLI flags, HTTP request models, the corpus adapters' keywords (issue #15)."""

import argparse
import dataclasses
import subprocess
import sys

import pytest

import pinzhu
from pinzhu.cli import build_parser
from pinzhu.cli.options import add_options, values_from
from pinzhu.config import AuditOptions, Config, StripOptions
from pinzhu.lexicon import UserDict
from pinzhu.options import OptionError, declared, option, Options
from pinzhu.render import AnnotateOptions

VALUES = (Config, StripOptions, AuditOptions, AnnotateOptions)
ALL = [(cls, o) for cls in VALUES for o in declared(cls)]


def test_every_field_is_declared_with_help():
    for cls in VALUES:
        names = [f.name for f in dataclasses.fields(cls) if not f.name.startswith("_")]
        assert [o.name for o in declared(cls)] == names
        assert all(o.help for o in declared(cls))


def test_option_names_are_unique_across_values():
    # Public functions and adapters take every option as a flat keyword: a name must say which.
    names = [o.name for _, o in ALL]
    assert len(names) == len(set(names))


def _subparser(command):
    ap = build_parser()
    sub = next(a for a in ap._actions if isinstance(a, argparse._SubParsersAction))
    return sub.choices[command]


@pytest.mark.parametrize("command,classes", [
    ("pinyin", (Config,)), ("annotate", (Config, AnnotateOptions)), ("strip", (Config, StripOptions)),
    ("audit", (Config, AuditOptions)), ("scan", (Config,)), ("fix", (Config, AuditOptions)),
    ("corpus", (Config, StripOptions, AuditOptions, AnnotateOptions)),
])
def test_cli_has_a_flag_for_every_option(command, classes):
    flags = {s for a in _subparser(command)._actions for s in a.option_strings}
    for cls in classes:
        for o in declared(cls):
            assert o.flag in flags, (command, o.name)


def test_cli_defaults_are_the_declared_ones():
    for cls in VALUES:
        p = argparse.ArgumentParser()
        add_options(p, cls)
        assert values_from(p.parse_args([]), cls) == cls()


def test_neutral_and_traditional_reach_the_cli():
    run = [sys.executable, "-m", "pinzhu", "pinyin", "--tone", "numbers", "--no-model"]
    out = subprocess.run(run + ["--neutral", "full"], input="朋友".encode(), capture_output=True)
    assert out.returncode == 0 and out.stdout.decode() == "peng2you3\n"
    # 長 without traditional reading is a character the lexicon reads as itself
    trad = subprocess.run(run, input="銀行".encode(), capture_output=True).stdout.decode()
    plain = subprocess.run(run + ["--no-traditional"], input="銀行".encode(), capture_output=True).stdout.decode()
    assert trad == "yin2hang2\n" and plain != trad


def test_cli_bad_option_names_the_flag(tmp_path):
    out = subprocess.run([sys.executable, "-m", "pinzhu", "annotate", "--select", "bogus"], input=b"x",
                         capture_output=True)
    assert out.returncode == 2 and "--select" in out.stderr.decode() and "bogus" in out.stderr.decode()
    out = subprocess.run([sys.executable, "-m", "pinzhu", "annotate", "--tone", "zhuyin"], input=b"x",
                         capture_output=True)
    assert out.returncode == 2 and "--tone" in out.stderr.decode() and out.stdout == b""


def test_http_models_have_every_option_with_the_declared_default():
    pytest.importorskip("fastapi")
    from pinzhu import server

    for model, classes in [(server.ReadOptions, (Config,)), (server.BatchRequest, (Config,)),
                           (server.AnnotateRequest, (Config, AnnotateOptions)),
                           (server.StripRequest, (Config, StripOptions)),
                           (server.AuditRequest, (Config, AuditOptions)), (server.ScanRequest, (Config,)),
                           (server.FixRequest, (Config, AuditOptions))]:
        for cls in classes:
            for o in declared(cls):
                assert o.name in model.model_fields, (model.__name__, o.name)
                got = model.model_fields[o.name].get_default(call_default_factory=True)
                assert got == o.default or (o.multiple and list(got) == list(o.default)), (model.__name__, o.name)
        assert model.model_config["extra"] == "forbid"


def test_fraction_has_one_default():
    pytest.importorskip("fastapi")
    from pinzhu import server
    from pinzhu.corpus.adapters import options_for

    p = argparse.ArgumentParser()
    add_options(p, AnnotateOptions)
    assert (server.AnnotateRequest.model_fields["fraction"].default == AnnotateOptions().fraction
            == values_from(p.parse_args([]), AnnotateOptions).fraction
            == options_for("annotate").annotate.fraction)


def test_adapters_take_every_option_as_a_keyword(tmp_path):
    from pinzhu.corpus.adapters import keywords, options_for

    assert set(keywords()) == {o.name for _, o in ALL}
    ud = tmp_path / "ud.tsv"
    ud.write_text("行长\thang2 chang2\n", encoding="utf-8")
    o = options_for("annotate", neutral="full", traditional=False, user_dict=str(ud), names=True,
                    min_confidence=0.5, select="polyphones")
    assert (o.config.neutral, o.config.traditional, o.strip.names, o.audit.min_confidence,
            o.annotate.select) == ("full", False, True, 0.5, "polyphones")
    assert o.config.user_dict.get("行长") == ("hang2", "chang2")
    assert options_for("strip", user_dict={"行长": "hang2 chang2"}).config.user_dict == o.config.user_dict
    with pytest.raises(TypeError, match="bogus"):
        options_for("strip", bogus=1)


def test_bad_values_name_the_field():
    with pytest.raises(OptionError, match="neutral must be one of") as e:
        Config(neutral="bogus")
    assert e.value.field == "neutral"
    with pytest.raises(OptionError) as e:
        Config(user_dict={"行行": "hang2"})
    assert e.value.field == "user_dict" and "2 characters but 1 syllables" in str(e.value)
    with pytest.raises(OptionError) as e:
        AnnotateOptions(fraction=1.5)
    assert e.value.field == "fraction"
    with pytest.raises(TypeError, match="bogus"):
        Config().but(bogus=1)


def test_a_new_option_is_one_declaration():
    # What a new option gets from its declaration alone: validation, a CLI flag, a default.
    @dataclasses.dataclass(frozen=True)
    class Demo(Options):
        width: int = option(3, "how wide", low=1)
        style: str = option("a", "which style", choices=("a", "b"))
        loud: bool = option(True, "speak up")

    p = argparse.ArgumentParser()
    add_options(p, Demo)
    assert values_from(p.parse_args(["--width", "5", "--style", "b", "--no-loud"]), Demo) == Demo(5, "b", False)
    with pytest.raises(OptionError, match="width must be at least 1"):
        Demo(width=0)


def test_user_dict_is_hashed_once():
    # A UserDict is a cache key on every strip/audit call: hashing its entries each time made a
    # 20,000-entry dictionary cost strip 40x (0.022 s -> 0.85 s).
    calls = [0]

    class Word(str):
        __slots__ = ()

        def __hash__(self):
            calls[0] += 1
            return str.__hash__(self)

    ud = UserDict.from_mapping({Word(f"{a}{b}"): "zhong1 guo2" for a in "中终钟" for b in "国果过"})
    text = "中国(zhōngguó)人说终果(zhōngguó)" * 3
    pinzhu.strip(text, user_dict=ud)
    pinzhu.audit(text, user_dict=ud)  # builds the dictionary's index once
    before = calls[0]
    for _ in range(3):
        pinzhu.strip(text, user_dict=ud)
        pinzhu.audit(text, user_dict=ud)
        hash(ud)
    assert calls[0] == before


def test_audit_reads_the_user_dict_from_either_route():
    ud = UserDict.from_mapping({"中国": "ka1 ka1"})
    text = "中国(kākā)人"
    by_keyword = pinzhu.audit(text, user_dict=ud)
    by_config = pinzhu.audit(text, config=Config(user_dict=ud))
    assert by_keyword == by_config and [f.ok for f in by_config] == [True]
    assert pinzhu.strip(text, config=Config(user_dict=ud)) == pinzhu.strip(text, user_dict=ud) == "中国人"


def test_readme_option_table_matches_the_declarations():
    import ast
    import re
    from pathlib import Path

    readme = (Path(__file__).resolve().parent.parent / "README.md").read_text(encoding="utf-8")
    rows = re.findall(r"^\| `(\w+)(?:=([^`]+))?` \|", readme, re.MULTILINE)
    shown = {name: default for name, default in rows if name in {o.name for o in declared(Config)}}
    assert set(shown) == {o.name for o in declared(Config)}
    for o in declared(Config):
        if shown[o.name]:
            assert ast.literal_eval(shown[o.name]) == o.default, o.name
