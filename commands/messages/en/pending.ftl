pending-gone = ℹ️ This offer no longer holds: the command was edited or deleted since.
pending-withdrawn = { $cause }: the pending offer is dropped, nothing is recorded.
