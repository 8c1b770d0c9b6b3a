from typing import Any, TypeAlias

import numpy as np

_Array: TypeAlias = np.ndarray[Any, Any]

PANEL: int
CHUNK: int
SMALL: int

def chunk_grid(k: int, panel: int = ..., chunk: int = ...) -> list[int]: ...
def stewart_columns(out: _Array, m: int, k: int, qa: int, qb: int, gain: float,
                    key: tuple[int, int, int], nthreads: int, panel: int = ...,
                    chunk: int = ..., trans: bool = ...) -> _Array: ...
def stewart(out: _Array, m: int, k: int, gain: float, key: tuple[int, int, int],
            nthreads: int, panel: int = ..., chunk: int = ...,
            trans: bool = ...) -> _Array: ...
ROWS: int

def row_groups(m: int, k: int, ra: int, rb: int, gain: float, key: tuple[int, int, int],
               nthreads: int, dtype: object, panel: int = ...) -> object: ...
def stewart_rows(out: _Array, m: int, k: int, ra: int, rb: int, gain: float,
                 key: tuple[int, int, int], nthreads: int, panel: int = ...) -> _Array: ...
