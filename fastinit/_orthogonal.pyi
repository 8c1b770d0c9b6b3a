import numpy as np

PANEL: int

def stewart(out: np.ndarray, m: int, k: int, gain: float, key: tuple[int, int, int, int],
            nthreads: int, panel: int = ...) -> np.ndarray: ...
