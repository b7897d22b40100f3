DROP TABLE team_reads;
