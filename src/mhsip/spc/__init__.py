"""Statistical process control (SPC) for MHSIP: pure numpy, no Django.

``analyse`` charts one series; ``analyse_frame`` charts thousands at once with the same
engine. ``chart="xmr"`` follows NHS England's Making Data Count rules exactly as the R
package NHSRplotthedots implements them; the other charts (run, i, mr, t, p, pp, c, u, up,
g, xbar, s) follow the R package qicharts2. See ``docs/spc.md``.

Examples
--------
>>> from mhsip.spc import analyse
>>> r = analyse([12, 14, 11, 13, 12, 10, 11, 12.5, 13, 14, 15.5, 16, 17, 13],
...             chart="xmr", improvement="increase")
>>> r.rule[5], r.explanation[5]
('trend', 'Part of 8 rising points in a row')
"""

from .analysis import analyse
from .frame import analyse_frame
from .result import SPCFrame, SPCResult

__all__ = ["SPCFrame", "SPCResult", "analyse", "analyse_frame"]
