"""ESC/POS receipt printers: status codec, command tokenizer, emulator, thin transports."""
