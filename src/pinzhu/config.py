"""Every option of pinzhu, as one frozen value (like ftfy's TextFixerConfig).

>>> from pinzhu import Config
>>> Config(tone="numbers").tone
'numbers'
"""

from __future__ import annotations

from dataclasses import dataclass, replace
from typing import Any

from .lexicon import UserDict


@dataclass(frozen=True)
class Config:
    """Options for reading (and, through it, annotating and auditing).

    tone: output style — "marks" (zhōng), "numbers" (zhong1, de5, lv4), "none" (zhong), "zhuyin".
    model: let the polyphone model decide where the lexicon cannot (when its weights are shipped).
    spoken: spoken tone sandhi (一/不, third tone, neutral tones, erhua); citation tones when False.
    yi_bu: only the tone changes of 一 and 不 (一样 yíyàng, 一天 yìtiān, 不对 búduì), the way school
      textbooks and pinyin-pro write them; every other tone stays cited (你好 nǐhǎo). Implied by spoken.
    traditional: read traditional characters through their simplified forms.
    neutral: "lexical" (default) keeps words' lexical neutral tones, 朋友 péngyou, as dictionaries
      and GB/T 16159 write them; "full" cites them in full tone, péngyǒu, as CPP and pypinyin do.
    user_dict: words that always win, with their readings.
    """

    tone: str = "marks"
    model: bool = True
    spoken: bool = False
    yi_bu: bool = False
    traditional: bool = True
    neutral: str = "lexical"
    user_dict: UserDict | None = None

    def but(self, **changes: Any) -> "Config":
        """A copy with some options changed (None values are ignored)."""
        changes = {k: v for k, v in changes.items() if v is not None}
        return replace(self, **changes) if changes else self


DEFAULT = Config()
