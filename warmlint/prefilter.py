"""Decide from a file's bytes alone whether it can hold anything warmlint looks at.

Every rule starts from an optimizer, a scheduler or a param-group write, so a
file that names none of them cannot produce a finding and is not parsed. The
words are substrings on purpose: `optim` covers `torch.optim`, `optimizer`,
`configure_optimizers`, apex and bitsandbytes; `schedul` covers every scheduler
module and factory; `AdamW` covers `from transformers import AdamW`; `warmup`
covers pytorch_warmup. Files named explicitly on the command line are always
parsed, so a syntax error in them is still reported (WL000).
"""

from __future__ import annotations

_WORDS = (b"optim", b"schedul", b"param_groups", b"AdamW", b"warmup")


def may_matter(data: bytes) -> bool:
    # Plain substring tests: several times faster than one regular expression with alternatives.
    return any(word in data for word in _WORDS)
