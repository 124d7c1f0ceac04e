"""The Orders room: the inbox and candidates tables, the order detail pane, the order actions
and their dialogs, fed by the order board (live) or a snapshot (read-only)."""
