DROP TABLE member_presence;
