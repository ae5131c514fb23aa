"""Equity: restrictive-practice rates by protected characteristic with rate ratios, SPC of the
ratio over time, concentration and disclosure control; and the Use of Force Act annual
statistics. See ``docs/equity.md``."""
