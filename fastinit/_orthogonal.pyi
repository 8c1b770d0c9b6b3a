import numpy as np

PANEL: int
CHUNK: int
SMALL: int

def chunk_grid(k: int, panel: int = ..., chunk: int = ...) -> list[int]: ...
def stewart_columns(out: np.ndarray, m: int, k: int, qa: int, qb: int, gain: float,
                    key: tuple[int, int, int], nthreads: int, panel: int = ...,
                    chunk: int = ..., trans: bool = ...) -> np.ndarray: ...
def stewart(out: np.ndarray, m: int, k: int, gain: float, key: tuple[int, int, int],
            nthreads: int, panel: int = ..., chunk: int = ...,
            trans: bool = ...) -> np.ndarray: ...
ROWS: int

def row_groups(m: int, k: int, ra: int, rb: int, gain: float, key: tuple[int, int, int],
               nthreads: int, dtype: object, panel: int = ...) -> object: ...
def stewart_rows(out: np.ndarray, m: int, k: int, ra: int, rb: int, gain: float,
                 key: tuple[int, int, int], nthreads: int, panel: int = ...) -> np.ndarray: ...
