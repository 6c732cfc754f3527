# Lab machinery: lab trees, the student repository, solution diffs, grading.
#
#   make tree LAB=K SOL=S OUT=dir   the tree of lab K with solutions through S
#   make student-repo OUT=dir       git repo, branches lab1..labN (CATCHUP=1
#                                   adds labK-catchup with earlier solutions)
#   make solutions                  regenerate solutions/labN.diff
#   make mutants [LAB=N]            every mutant (labs/N-*/mutants/) must
#                                   lose points (ONLY=name[,name] for some)
#   make grade [LAB=N]              grade lab N (default: the highest present)
#         GRADE_JSON=file           also write Gradescope's results.json
#         JUNIT=file                also write JUnit XML
#         TEST=name[,name]          only tests whose name or title contains one
#         GRADER_EXTRA=dir          add hidden tests from dir
#         GRADE_ARGS="..."          anything else for the grader / pytest
#
# Which files go into a tree (git ls-files minus the staff-only list and
# later labs' files) is decided in one place: STAFF_ONLY and excluded() in
# tools/labtree.py. The generator is itself staff-only: it is not in student trees,
# so the first three targets say so there instead of failing obscurely.

LABTREE := tools/labtree.py
SOL     ?= 0

.PHONY: tree student-repo solutions grade labs-check mutants

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
	@$(PYTHON) tools/mutants.py $(if $(LAB),--lab $(LAB)) $(if $(ONLY),--only $(ONLY))

# The grader builds the tree itself (under a lock, so concurrent graders in
# one tree do not trip over each other), then boots QEMU per test.
grade: setup-if-needed
	@$(PYTHON) -m grader $(if $(LAB),--lab $(LAB)) \
		$(if $(GRADE_JSON),--json $(GRADE_JSON)) \
		$(if $(JUNIT),--junitxml $(JUNIT)) \
		$(if $(TEST),--test '$(TEST)') \
		$(if $(GRADER_EXTRA),--extra $(GRADER_EXTRA)) \
		$(GRADE_ARGS)
