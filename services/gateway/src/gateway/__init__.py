"""HTTP gateway: owns no domain data, calls the services by request/reply on the bus."""
