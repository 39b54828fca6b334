"""Memory a run has freed, given back to the system while the run goes on.

A batch run's main process frees most of what it allocates: each file's rows once its part
is written, each chunk of the combined outputs once it is written. What is freed is not
always given back: Arrow's allocator keeps freed pages for its next allocations (mimalloc,
its default, keeps them; ``jixiao run`` has Arrow use the C library's ``malloc`` instead:
:mod:`jixiao.cli.main`), and glibc's ``malloc`` gives back only the top of its heap unless
asked (``malloc_trim``). Without asking, the main process grew ~1.5 kB a file it read, though
the objects it held did not: 10,000 one-table files ended their reading ~18 MB above 1,000.

:func:`release_freed_memory` asks Arrow's pool to give back what it has freed; with the
``system`` pool on glibc that is ``malloc_trim(0)``, which also returns the free pages inside
the heap. A call takes ~2 ms: made after each part is written (about once a second, or every
:data:`~jixiao.batch.parts.CHUNK_FILES` files) and between the end's phases.
"""

from __future__ import annotations

import sys


def release_freed_memory() -> None:
    """Give the memory Arrow (and, with its ``system`` pool, ``malloc``) has freed back to the
    system; nothing before pyarrow is loaded (nothing of it to give back)."""
    arrow = sys.modules.get("pyarrow")
    if arrow is not None:
        arrow.default_memory_pool().release_unused()
