# requires: transformers
"""Fine-tuning a causal LM with the Trainer; the script's own TrainingArguments subclass sets
lr_scheduler_type="constant" by default, which ignores its warmup_ratio: no warmup, no decay."""
from dataclasses import dataclass, field

import transformers
from transformers import AutoModelForCausalLM, AutoTokenizer, HfArgumentParser, Trainer


@dataclass
class TrainingArguments(transformers.TrainingArguments):
    output_dir: str = field(default="./output")
    learning_rate: float = field(default=2e-4)
    lr_scheduler_type: str = field(default="cosine")  # expect: WL001
    warmup_ratio: float = field(default=0.03)
    max_steps: int = field(default=1000)


def main():
    (args,) = HfArgumentParser((TrainingArguments,)).parse_args_into_dataclasses()
    model = AutoModelForCausalLM.from_pretrained("gpt2")
    tokenizer = AutoTokenizer.from_pretrained("gpt2")
    trainer = Trainer(model=model, args=args, tokenizer=tokenizer)
    trainer.train()


if __name__ == "__main__":
    main()
