"""The archival model (architecture §4): 全宗 › 类别 › 案卷/件 › 电子文件, and transfer batches."""

from lantai.archive.models.aliases import RefCodeAlias
from lantai.archive.models.batches import TransferBatch
from lantai.archive.models.fonds import Fonds, RefCodeCounter, Series
from lantai.archive.models.items import Component, Item, Volume

__all__ = [
    "Component",
    "Fonds",
    "Item",
    "RefCodeAlias",
    "RefCodeCounter",
    "Series",
    "TransferBatch",
    "Volume",
]
