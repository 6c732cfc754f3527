# Lab machinery: lab trees, the student repository, solution diffs, grading.
#
#   make tree LAB=K SOL=S OUT=dir   the tree of lab K with solutions through S
#   make student-repo OUT=dir       git repo, branches lab1..labN (CATCHUP=1
#                                   adds labK-catchup with earlier solutions)
#   make solutions                  regenerate solutions/labN.diff
#   make mutants [LAB=N]            every mutant (labs/N-*/mutants/) must
#                                   lose points (ONLY=name[,name] for some;
#                                   RECORD=1 keeps each catcher in caught-by.txt)
#   make grade [LAB=N]              grade lab N (default: the highest present)
#         GRADE_JSON=file           also write Gradescope's results.json
#         JUNIT=file                also write JUnit XML
#         TEST=name[,name]          only tests whose name or title contains one
#         GRADER_EXTRA=dir          add hidden tests from dir
#         GRADE_ARGS="..."          anything else for the grader / pytest
#   make grade-submission SUB=path LAB=N   grade a student's repository (a
#                                   folder, git bundle or zip) with this kit:
#                                   only the files that hold solution regions
#                                   of labs 1..N are taken from it; OUT=dir
#                                   (default build/trusted/NAME-labN), and
#                                   GRADE_JSON, JUNIT, TEST, GRADER_EXTRA,
#                                   GRADE_ARGS as for grade; TIMEOUT=seconds
#   make grade-class SUBS=dir LAB=N OUT=dir   every submission in dir (one
#                                   folder, .bundle or .zip per student),
#                                   JOBS at a time (default: cores); writes
#                                   OUT/class.csv and OUT/<student>/; a rerun
#                                   skips graded students unless FORCE=1;
#                                   KEEP=1 keeps the work trees
#   make gradescope LAB=N           Gradescope autograder zip for lab N
#                                   (build/gradescope/labN.zip, or OUT=file),
#                                   GRADER_EXTRA=dir adds hidden tests
#
# Which files go into a tree (git ls-files minus the staff-only list and
# later labs' files) is decided in one place: STAFF_ONLY and excluded() in
# tools/labtree.py. The generator is itself staff-only: it is not in student trees,
# so the first three targets say so there instead of failing obscurely.
# grade-submission and grade-class (tools/trusted_grade.py, staff-only too)
# take from a submission only the files that student_files() there names.

LABTREE := tools/labtree.py
TRUSTED := tools/trusted_grade.py
SOL     ?= 0

.PHONY: tree student-repo solutions grade labs-check mutants \
        grade-submission grade-class

define need-labtree
	@test -f $(LABTREE) || { echo "$@: staff-only target ($(LABTREE) is not in this tree)"; exit 1; }
endef

tree:
	$(need-labtree)
	@test -n "$(LAB)" -a -n "$(OUT)" || { echo "usage: make tree LAB=K SOL=S OUT=dir"; exit 1; }
	$(PYTHON) $(LABTREE) tree --lab $(LAB) --sol $(SOL) --out $(OUT)

student-repo:
	$(need-labtree)
	@test -n "$(OUT)" || { echo "usage: make student-repo OUT=dir [CATCHUP=1]"; exit 1; }
	$(PYTHON) $(LABTREE) student-repo --out $(OUT) $(if $(CATCHUP),--catchup)

solutions:
	$(need-labtree)
	$(PYTHON) $(LABTREE) solutions

labs-check:
	$(need-labtree)
	$(PYTHON) $(LABTREE) check

# Known student bugs, each a patch on a lab's solution, graded one by one:
# fails unless every one loses points (tools/mutants.py says how).
mutants: setup-if-needed
	$(need-labtree)
	@$(PYTHON) tools/mutants.py $(if $(LAB),--lab $(LAB)) $(if $(ONLY),--only $(ONLY)) \
		$(if $(RECORD),--record)

# The grader builds the tree itself (under a lock, so concurrent graders in
# one tree do not trip over each other), then boots QEMU per test.
grade: setup-if-needed
	@$(PYTHON) -m grader $(if $(LAB),--lab $(LAB)) \
		$(if $(GRADE_JSON),--json $(GRADE_JSON)) \
		$(if $(JUNIT),--junitxml $(JUNIT)) \
		$(if $(TEST),--test '$(TEST)') \
		$(if $(GRADER_EXTRA),--extra $(GRADER_EXTRA)) \
		$(GRADE_ARGS)

# Trusted grading: the staff's tests, grader and build grade the files of
# the submission that a student may change, and nothing else of it
# (tools/trusted_grade.py; grader/README.md, "Grading submissions").
TRUSTED_ARGS = --lab $(LAB) $(if $(TEST),--test '$(TEST)') \
	$(if $(GRADER_EXTRA),--extra '$(GRADER_EXTRA)') \
	$(if $(TIMEOUT),--timeout $(TIMEOUT)) \
	$(if $(GRADE_ARGS),--grade-args '$(GRADE_ARGS)')

grade-submission: setup-if-needed
	$(need-labtree)
	@test -n "$(SUB)" -a -n "$(LAB)" || { echo "usage: make grade-submission SUB=path LAB=N [OUT=dir]"; exit 1; }
	@$(PYTHON) $(TRUSTED) one '$(SUB)' $(TRUSTED_ARGS) $(if $(OUT),--work '$(OUT)') \
		$(if $(GRADE_JSON),--json '$(GRADE_JSON)') \
		$(if $(JUNIT),--junitxml '$(JUNIT)')

grade-class: setup-if-needed
	$(need-labtree)
	@test -n "$(SUBS)" -a -n "$(LAB)" -a -n "$(OUT)" || { echo "usage: make grade-class SUBS=dir LAB=N OUT=dir"; exit 1; }
	@$(PYTHON) $(TRUSTED) class '$(SUBS)' --out '$(OUT)' $(TRUSTED_ARGS) \
		$(if $(JOBS),--jobs $(JOBS)) $(if $(FORCE),--force) $(if $(KEEP),--keep)

# Gradescope's autograder: setup.sh, run_autograder (trusted grading of
# /autograder/submission) and the staff kit (tools/gradescope/make_zip.py).
.PHONY: gradescope
gradescope:
	$(need-labtree)
	@test -n "$(LAB)" || { echo "usage: make gradescope LAB=N [GRADER_EXTRA=dir] [OUT=file]"; exit 1; }
	@$(PYTHON) tools/gradescope/make_zip.py --lab $(LAB) \
		--out '$(or $(OUT),$(B)/gradescope/lab$(LAB).zip)' \
		$(if $(GRADER_EXTRA),--extra '$(GRADER_EXTRA)')
