"""What every room of the UI shares: the validated-form base, the user-messages sink, named
tasks that cancel stale work, the small table-model base, dialogs awaited without a nested
loop, and the error dialog every unexpected error ends in."""
