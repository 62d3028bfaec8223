"""The archival model: fonds, series, volumes, items, components and transfer batches."""
