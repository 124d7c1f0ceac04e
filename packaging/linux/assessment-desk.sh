#!/bin/sh
# /usr/bin/assessment-desk: starts the bundle installed under /opt/assessment-desk.
# The .desktop file runs "assessment-desk --snapshot %f"; started from the menu there is no file
# and %f expands to nothing, so a lone --snapshot is dropped here rather than refused by the app.
if [ "$#" -eq 1 ] && [ "$1" = "--snapshot" ]; then
    set --
fi
exec /opt/assessment-desk/assessment-desk "$@"
