"""Other ways to run the registered checks than all in memory.

- :mod:`dwcqa.engines.dask`: the same checks over partitions of the archive's data files, on a
  Dask cluster (in-process by default), for archives larger than memory.

The partition work itself (:mod:`dwcqa.engines.partitions`, :mod:`dwcqa.engines.work`,
:mod:`dwcqa.engines.combine`) imports neither dask nor distributed; only
:mod:`dwcqa.engines.dask` does, so ``import dwcqa`` stays free of them.
"""
