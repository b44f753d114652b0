"""The command-line interface: administrators, batch jobs, integrations and end-to-end tests."""
