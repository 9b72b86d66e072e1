"""Input channels of the assistant that need more than Rasa's configuration."""
