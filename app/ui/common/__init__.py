"""What every room of the UI shares: the validated-form base, the user-messages sink, named
tasks that cancel stale work, and the error and advice colours."""
