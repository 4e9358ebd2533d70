"""Matrix support: event conversion, the local Synapse used by the demo and the tests, settings."""
