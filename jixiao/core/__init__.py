"""What every stage shares, at the bottom of the import layers.

- :mod:`jixiao.core.model`: where a value came from (``Source``) and what went wrong (``Problem``);
- :mod:`jixiao.core.errors`: the exceptions jixiao raises, in one tree;
- :mod:`jixiao.core.vocabulary`: the label words a 自评表 is recognised and read by.

Nothing here imports a stage or the orchestration.
"""
