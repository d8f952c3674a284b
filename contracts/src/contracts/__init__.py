"""The wire between services: typed, versioned messages and the names of the topology."""
