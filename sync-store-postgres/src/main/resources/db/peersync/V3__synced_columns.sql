-- The columns capture versions, per synced table (ColumnRegistry): a column found in the catalog but not here was added
-- since, and the earlier versions of the table's rows did not write it.
CREATE TABLE IF NOT EXISTS ${schema}.synced_columns (tbl text NOT NULL, col text NOT NULL, PRIMARY KEY (tbl, col));
-- Values of columns the node's table lacks, from peers' rows (HeldValues): relayed with the rows, applied when the node
-- gains the column. Per key and column, the highest version.
CREATE TABLE IF NOT EXISTS ${schema}.held_values (tbl text NOT NULL, pk text NOT NULL, col text NOT NULL,
    value jsonb, hlc bigint NOT NULL, origin uuid NOT NULL, PRIMARY KEY (tbl, pk, col));
