"""Every reading option of pinzhu as one frozen value (like ftfy's TextFixerConfig), and the
options of strip and audit. Each field is declared once (:func:`pinzhu.options.option`): the
CLI flags, HTTP fields and adapter keywords are generated from these declarations.

>>> from pinzhu import Config
>>> Config(tone="numbers").tone
'numbers'
>>> Config(neutral="full", user_dict={"行长": "hang2 zhang3"}).user_dict.get("行长")
('hang2', 'zhang3')
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from . import styles
from .lexicon import UserDict
from .options import Options, option


def _user_dict(value: Any) -> UserDict:
    """A UserDict from a JSON mapping (HTTP, recipes); a UserDict stays as it is."""
    if isinstance(value, UserDict):
        return value
    if isinstance(value, Mapping):
        return UserDict.from_mapping(value)
    raise TypeError(f"expected a UserDict or a mapping of word to syllables, got {type(value).__name__}")


@dataclass(frozen=True)
class Config(Options):
    """Options for reading (and, through it, annotating, stripping and auditing).

    tone: output style — "marks" (zhōng), "numbers" (zhong1, de5, lv4), "none" (zhong), "zhuyin".
    model: let the polyphone model decide where the lexicon cannot (when its weights are shipped).
    spoken: spoken tone sandhi (一/不, third tone, neutral tones, erhua); citation tones when False.
    yi_bu: only the tone changes of 一 and 不 (一样 yíyàng, 一天 yìtiān, 不对 búduì), the way school
      textbooks and pinyin-pro write them; every other tone stays cited (你好 nǐhǎo). Implied by spoken.
    traditional: read traditional characters through their simplified forms.
    neutral: "lexical" (default) keeps words' lexical neutral tones, 朋友 péngyou, as dictionaries
      and GB/T 16159 write them; "full" cites them in full tone, péngyǒu, as CPP and pypinyin do.
    person_names: how surnames read (:mod:`pinzhu.names`) — "auto" where the context names a person
      (单先生 Shàn, 名叫解缙 Xiè), "surname" when every run of Han characters is a name (a form
      field), "head" when only the text's start is a surname, "off" never.
    overrides: inline reading overrides in the text (:mod:`pinzhu.overrides`): ``长<cháng>`` forces a
      reading; the markers are removed before reading.
    user_dict: words that always win, with their readings (a :class:`UserDict`, or a mapping
      ``{"行长": "hang2 zhang3"}`` made into one).
    """

    tone: str = option("marks", "output style: marks (zhōng), numbers (zhong1, de5, lv4), none (zhong), zhuyin",
                       choices=styles.names)
    model: bool = option(True, "the polyphone model decides polyphones no word covers (else: lexicon and "
                               "segmentation only)")
    spoken: bool = option(False, "spoken tone sandhi (一/不, third tone, neutral tones, erhua) instead of "
                                 "citation tones")
    yi_bu: bool = option(False, "mark only the tone changes of 一 and 不 (yíyàng, búduì), as textbooks do")
    traditional: bool = option(True, "read traditional characters through their simplified forms")
    neutral: str = option("lexical", "lexical: keep words' neutral tones (朋友 péngyou); full: cite them in "
                                     "full tone (péngyǒu), as CPP and pypinyin do", choices=("lexical", "full"))
    person_names: str = option("auto", "surnames read as surnames (单 Shàn, 曾 Zēng, 万俟 Mòqí): auto (where the "
                                       "context names a person), surname (every Han run is a name), head (the "
                                       "text's first character), off", choices=("auto", "surname", "head", "off"))
    overrides: bool = option(False, "inline reading overrides: 长<cháng> or 银行<yin2 hang2> forces the reading "
                                    "of the characters before it; the markers are removed")
    user_dict: UserDict | None = option(
        None, 'words that always win, with their readings: {"行长": "hang2 zhang3"} (CLI: a file of '
              "word<TAB>syllables lines)",
        coerce=_user_dict, from_text=UserDict.from_file, wire=dict[str, str] | None, metavar="FILE")


DEFAULT = Config()


@dataclass(frozen=True)
class StripOptions(Options):
    """What :func:`pinzhu.strip` removes (and :func:`pinzhu.explain_strip` reports).

    >>> StripOptions(names=True).toneless
    True
    """

    names: bool = option(False, "also remove capitalised toneless glosses after names: 湖北(Hubei)")
    toneless: bool = option(True, "remove lowercase toneless annotations: 行(xing)",
                            flag="--keep-toneless")
    glosses: bool = option(False, "remove the pinyin of a pinyin-and-English bracket, keeping the gloss: "
                                  "温习(wēnxí, review) -> 温习(review)")


@dataclass(frozen=True)
class AuditOptions(Options):
    """How :func:`pinzhu.audit` judges.

    >>> AuditOptions().min_confidence
    0.95
    """

    min_confidence: float = option(0.95, "an annotation giving another real reading of a character is "
                                         "'uncertain', not wrong, where pinzhu is less sure than this of its own "
                                         "(0: trust pinzhu always)", low=0.0, high=1.0)


STRIP = StripOptions()
AUDIT = AuditOptions()

__all__ = ["AUDIT", "AuditOptions", "Config", "DEFAULT", "STRIP", "StripOptions"]
