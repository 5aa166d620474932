# Predefined by Epoch (do not define them yourself): ROWS, COLS, CHANNELS, INPUT_SHAPE, BATCH_SIZE,
# class_names, class_num, train_data, validation_data, test_data.
import tensorflow as tf
import matplotlib.pyplot as plt
import numpy as np
from tensorflow import keras
from tensorflow.keras import layers, optimizers, metrics, Sequential
from tensorflow.keras.layers import *

model2 = Sequential([
    Input(INPUT_SHAPE),
    Conv2D(filters=32, kernel_size=(3, 3), padding='same', activation='relu'),
    # MaxPooling2D(pool_size=(2, 2)),
    # Dropout(0.5),
    Flatten(),
    Dense(128),
    Dense(class_num, activation='softmax')
])

# TODO: compile model2 with the 'adam' optimizer, categorical cross-entropy loss and the accuracy metric,
# then train it with model2.fit on train_data for 10 epochs, with validation_data.
