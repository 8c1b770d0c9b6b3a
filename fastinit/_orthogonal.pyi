import numpy as np

PANEL: int
CHUNK: int
SMALL: int

def stewart(out: np.ndarray, m: int, k: int, gain: float, key: tuple[int, int, int],
            nthreads: int, panel: int = ..., chunk: int = ...) -> np.ndarray: ...
