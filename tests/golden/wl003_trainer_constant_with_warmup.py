# requires: transformers
"""TrainingArguments asks for "constant_with_warmup": the LR ramps up over 100 steps and then
stays at its peak for the remaining 9,900."""
from transformers import AutoModelForSequenceClassification, Trainer, TrainingArguments


def main():
    model = AutoModelForSequenceClassification.from_pretrained("bert-base-uncased", num_labels=2)
    args = TrainingArguments(
        output_dir="out",
        learning_rate=3e-5,
        lr_scheduler_type="cosine",  # expect: WL003
        warmup_steps=100,
        max_steps=10_000,
        per_device_train_batch_size=32,
    )
    Trainer(model=model, args=args).train()


if __name__ == "__main__":
    main()
