module offblocks.local/verifier

go 1.22
