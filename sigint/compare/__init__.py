"""Which link architecture wins at a distance: copper, ACC, AEC, DSP pluggable, LPO, NPO, CPO."""
