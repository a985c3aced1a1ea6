"""Running the service: the scheduler and the loopback replay server."""
