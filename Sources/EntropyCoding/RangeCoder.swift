public enum EntropyCodingPlaceholder {}
