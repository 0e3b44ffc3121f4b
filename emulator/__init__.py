"""ReelScope's Instagram emulator: a local server answering like live Instagram does to instaloader 4.16,
anonymous or logged in, with deterministic synthetic profiles and injectable faults (see server.py)."""

from .catalogue import SyntheticMedia, SyntheticProfile, default_catalogue
from .server import ERAS, NEWEST_ERA, EmulatorServer, Fault, RequestRecord

__all__ = ["ERAS", "NEWEST_ERA", "EmulatorServer", "Fault", "RequestRecord", "SyntheticMedia", "SyntheticProfile", "default_catalogue"]
