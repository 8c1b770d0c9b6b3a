import numpy as np

PANEL: int
CHUNK: int
SMALL: int

def stewart(out: np.ndarray, m: int, k: int, gain: float, key: tuple[int, int, int],
            nthreads: int, panel: int = ..., chunk: int = ...) -> np.ndarray: ...
ROWS: int

def row_groups(m: int, k: int, ra: int, rb: int, gain: float, key: tuple[int, int, int],
               nthreads: int, dtype: object, panel: int = ...) -> object: ...
def stewart_rows(out: np.ndarray, m: int, k: int, ra: int, rb: int, gain: float,
                 key: tuple[int, int, int], nthreads: int, panel: int = ...) -> np.ndarray: ...
