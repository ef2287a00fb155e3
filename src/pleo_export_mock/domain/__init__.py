"""The sandbox's model of Pleo's export side: pure Python, no HTTP, no I/O, no wall clock."""
