"""What every stage shares, just above the data model (:mod:`jixiao.model`).

- :mod:`jixiao.core.errors`: the exceptions jixiao raises, in one tree;
- :mod:`jixiao.core.vocabulary`: the label words a 自评表 is recognised and read by.

Nothing here imports a stage or the orchestration.
"""
