"""The Snapshots room: save, open (read-only, offline), compare, export CSV."""
