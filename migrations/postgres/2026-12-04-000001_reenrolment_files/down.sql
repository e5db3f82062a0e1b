DROP TABLE reenrolment_wishes;
DROP TABLE reenrolment_files;
