-- The input normalization a model is served with (registry.proto InputNormalization, encoded;
-- issue 18): how buyers encode their images for it, signed with the registration. NULL for a model
-- registered without one (the input quantization's range applies).

ALTER TABLE models ADD COLUMN input_normalization BYTEA;
