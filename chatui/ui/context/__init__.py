"""What the UI shows of a model's window: the meter, and the choice when a request won't fit."""
