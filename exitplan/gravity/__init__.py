"""Data gravity and capacity: how much data each store holds and how long it takes to copy (``sizes``),
the machine sizes to rebuild mapped to the target's flavors (``capacity``), and the two with the egress
estimate for one plan (``build``)."""
