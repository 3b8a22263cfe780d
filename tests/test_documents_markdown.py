"""Documents: Markdown — text annotated in place; code, link targets, HTML, front matter untouched;
the annotated file parses to the same document; strip(annotate(x)) == x on generated files."""

from __future__ import annotations

import os

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from pinzhu import documents as D

NOTES = """---
title: 银行
tags: [长大]
---

# 第一课 银行 #

我们去**银**行办事，*长大*了。**银行**的行长说：`银行` 不是代码。
这是第二行，[银行](https://example.com/银行 "银行") 和 [长城][ref] 和 [行长] 和 ![银行](a.png)。

> 引用里的银行
> 还有长大

- 列表 银行
- <span>银</span>行 <code>行长</code> \\*银行\\* &amp; 长大

| 字 | 词 |
|----|----|
| 银 | 银行 |

```
银行 代码块
```

    银行 缩进代码

<div>
银行 HTML 块
</div>

[ref]: https://example.com "长城"
[行长]: https://example.com/x
"""


def test_what_is_read_and_written():
    data = NOTES.encode()
    assert [b.text for b in D.load(data, "md").blocks] == [
        "第一课 银行", "我们去银行办事，长大了。银行的行长说：\ufffc 不是代码。\n这是第二行，银行 和 长城 和 行长 和 \ufffc。",
        "引用里的银行\n还有长大", "列表 银行", "银行 \ufffc *银行* & 长大", "字", "词", "银", "银行"]
    out = D.annotate(data, "md", select="all").decode()
    assert D.strip(out.encode(), "md") == data
    for kept in ("title: 银行", "```\n银行 代码块\n```", "    银行 缩进代码", "<div>\n银行 HTML 块\n</div>",
                 '[ref]: https://example.com "长城"', "(https://example.com/银行 \"银行\")", "![银行](a.png)",
                 "`银行`", "<code>行长</code>", "[行长] 和"):
        assert kept in out, kept
    # A closing delimiter that a letter follows keeps closing: the annotation goes after it.
    assert "**银**行(yínháng)办事" in out and "*长大*(zhǎngdà)了" in out and "**银行**(yínháng)的" in out
    assert "[长城(chángchéng)][ref]" in out and "| 银行(yínháng) |" in out


def rendered(md_text: str) -> str:
    from markdown_it import MarkdownIt

    return MarkdownIt("commonmark").enable(["table", "strikethrough"]).render(md_text)


def test_annotated_markdown_renders_the_same_structure():
    # Strip the annotations from the rendered HTML of the annotated file: the same HTML as before.
    data = NOTES.split("---\n", 2)[2].encode()
    out = D.annotate(data, "md", select="all")
    assert D.strip(rendered(out.decode()).encode(), "html").decode() == rendered(data.decode())


def test_ruby_is_refused():
    with pytest.raises(D.DocumentError, match="Markdown is annotated inline"):
        D.annotate(b"# x", "md", format="ruby")


HAN = "银行长大了为得重要我们去发展好乐说"
PIECES = ["*", "**", "_", "~~", "`", "[", "]", "](u)", "![a](b)", "<b>", "</b>", "<code>行</code>", "\\*", "&amp;",
          "\n", "\n\n", "# ", "> ", "- ", "1. ", "    ", "| ", " |", "\n|---|\n", "[行]: /x\n", "[银行]", "[]",
          "行(xíng)", "(", ")", " ", "yínháng", "<http://x.cn>", "---\n", "```\n", "\\", "!"]
piece = st.one_of(st.sampled_from(PIECES), st.text(st.sampled_from(HAN), min_size=1, max_size=4))
docs = st.lists(piece, max_size=30).map("".join)
CASES = int(os.environ.get("PINZHU_DOC_CASES", "300"))


@settings(max_examples=CASES, deadline=None, derandomize=True, suppress_health_check=list(HealthCheck))
@given(docs, st.sampled_from(["all", "polyphones"]))
def test_roundtrip_generated_markdown(doc, select):
    data = doc.encode()
    out = D.annotate(data, "md", select=select)
    assert D.strip(out, "md") == data
    # And the annotated file is the same document: its rendering, annotations stripped, is the original's.
    assert D.strip(rendered(out.decode()).encode(), "html") == rendered(doc).encode()
