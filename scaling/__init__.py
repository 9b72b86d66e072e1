"""What several Rasa replicas sharing one database need (docs/deployment.md)."""
