/**
 * Guided lessons: each file is plain data — a title, side text, a question (and an optional hint) plus the graph it
 * opens. To add a lesson, copy a file, edit it (the graph can be any exported .graft.json graph) and list it here.
 */
import pretrainedVsScratch from './01-pretrained-vs-scratch.json';
import freezingVsFineTuning from './02-freezing-vs-fine-tuning.json';
import augmentationVsOverfitting from './03-augmentation-vs-overfitting.json';
import learningRate from './04-learning-rate.json';
import tuning from './05-tuning.json';

export const LESSON_FILES: readonly unknown[] = [pretrainedVsScratch, freezingVsFineTuning, augmentationVsOverfitting, learningRate, tuning];
