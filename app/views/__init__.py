"""View models: what the tables show and how they search, sort and group it. No Qt.

Rows are built from the order board's state (live) or a snapshot's index; the columns of each
table are declared once (``inbox_columns``), so adding one is one edit. Not the snapshot file
format: the snapshot writer maps orders to its own versioned schema.
"""
