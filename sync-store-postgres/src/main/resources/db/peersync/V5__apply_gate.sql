-- Never written: applies, snapshot page loads and the registration of added columns lock it (ApplyGate) in the three
-- modes an advisory lock lacks. Applies run together and snapshot pages load together, but never one beside the other.
CREATE TABLE IF NOT EXISTS ${schema}.apply_gate ();
