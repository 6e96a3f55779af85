"""Reclaim's hash lists as a python-threatexchange signal exchange.

``threatexchange config extensions add pytx_reclaim`` loads :data:`TX_MANIFEST`.
"""

from threatexchange.extensions.manifest import ThreatExchangeExtensionManifest

from pytx_reclaim.exchange import (
    ReclaimCheckpoint,
    ReclaimCollabConfig,
    ReclaimCredentials,
    ReclaimItem,
    ReclaimSignalExchangeAPI,
)

TX_MANIFEST = ThreatExchangeExtensionManifest(apis=(ReclaimSignalExchangeAPI,))

__all__ = [
    "TX_MANIFEST",
    "ReclaimCheckpoint",
    "ReclaimCollabConfig",
    "ReclaimCredentials",
    "ReclaimItem",
    "ReclaimSignalExchangeAPI",
]
