"""The chat platforms and the process: adapters, runtime, scheduler, CLI, configuration."""
