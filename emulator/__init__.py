"""ReelScope's Instagram emulator: a local server answering like Instagram does to anonymous
instaloader 4.16, with deterministic synthetic profiles and injectable faults."""

from .catalogue import SyntheticMedia, SyntheticProfile, default_catalogue
from .server import EmulatorServer, Fault, RequestRecord

__all__ = ["EmulatorServer", "Fault", "RequestRecord", "SyntheticMedia", "SyntheticProfile", "default_catalogue"]
